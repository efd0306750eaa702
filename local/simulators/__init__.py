"""Stateful simulators of the Tripletex and Rackbeat APIs, usable in-process and over sockets."""
