"""lcspr-stats: reproducible statistics for the annual review of LCSPRs."""

__version__ = "0.1.0"
