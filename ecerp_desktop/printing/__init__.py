"""Labels: a layout in millimetres, rendered to ZPL, TSPL, ESC/POS or PDF, sent by a transport."""
