"""Models: see the app's services for the interface."""
