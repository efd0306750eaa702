"""Rackbeat <-> Tripletex integration: the domain package shared by every Lambda function."""
