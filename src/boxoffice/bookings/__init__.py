"""Seat maps, holds, bookings, cancellations and e-tickets."""
