"""Protocol-faithful simulators of the platforms and the courier waybill service."""
