"""Oversight (电子监察, DESIGN §9): alerts derived from stored data, and the card audit."""
