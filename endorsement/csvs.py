"""The CSV helpers moved to ``accounts.csvs`` (the member list in ``accounts`` uses them too);
imported from here by the apps above ``endorsement``."""

from accounts.csvs import CSV_CHUNK, FORMULA_STARTS, Echo, csv_safe

__all__ = ["CSV_CHUNK", "FORMULA_STARTS", "Echo", "csv_safe"]
