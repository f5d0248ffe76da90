"""Development tooling shared by the tests and ``make bench``: open pages in AppTest, start the
app and drive Debian's Chromium. Not imported by the app."""
