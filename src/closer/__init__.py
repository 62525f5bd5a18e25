"""closer: practise asking for the job at the end of an interview, locally and privately."""

__version__ = "0.1.0"
