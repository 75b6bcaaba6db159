"""What every channel source shares: configuration, update windows, checks, quarantine."""
