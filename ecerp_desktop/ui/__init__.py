"""The Qt Widgets front end. The only package that imports PySide6."""
