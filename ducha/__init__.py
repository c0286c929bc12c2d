"""Ducha 督查: a platform that follows each policy from issue to verified effect."""
