"""Candidate generators (one file each, one registry) and multi-fetch merging."""
