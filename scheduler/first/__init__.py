"""The first timetable: valid at once and built greedily (the fallback that every solve returns at least),
from slots of the theater-days and an incremental timetable that the improvement reuses."""
