"""Date formats of the tracker (FORMAT_MODULE_PATH): ISO dates everywhere Django formats a date
itself, the admin above all; the public pages spell their dates out with explicit formats."""
