# Dates with the month in words; times with their time zone (see portal/formats/__init__.py).
DATE_FORMAT = "j E Y г."
DATETIME_FORMAT = "j E Y г., H:i T"
SHORT_DATE_FORMAT = "j E Y"
SHORT_DATETIME_FORMAT = "j E Y, H:i T"
