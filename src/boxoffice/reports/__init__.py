"""Background jobs: mail, reminders, the monthly report and CSV exports."""
