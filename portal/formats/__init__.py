"""Date formats per language (FORMAT_MODULE_PATH): a date is never written in an ambiguous
all-numeric form such as 12/02/2026, and a time always says its time zone. What is not set here
is Django's own format for the language (numbers, first day of the week...)."""
