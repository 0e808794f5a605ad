"""Tests of the local SSO Admin endpoint, through clients nobody here wrote."""
