"""Honest upper bounds of every valid timetable's objective: the capacity-free bound at once, and the LP
bound (by weak duality) of a linear model such as a component's exact model."""
