"""The directory of who and where: Person, Organization, Neighbourhood, Place; their pages and admins.

Builds on editorial/; imports nothing from press/."""
