"""The editorial roles. The groups and their permissions are created by migration 0002."""

EDITORS = "Editors"
PUBLISHERS = "Publishers"
