"""Jobs, schedules and sensors: when the graph runs, and with which settings."""
