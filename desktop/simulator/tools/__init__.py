"""Tools run by hand, such as the push-rate benchmark."""
