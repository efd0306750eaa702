"""The one-time import of Tripletex customers, suppliers and products into Rackbeat."""
