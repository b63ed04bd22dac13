"""Improving the first timetable, component by component: the exact model (its LP, SCIP, restricted
models, neighbourhood search) where an LP solver copes with its size, the Lagrangian relaxation of the
same model (with relocation) where it does not. ``optimise.optimise`` is the entry point."""
