"""What each page draws, worked out once per question: a page reads its view model, draws it and
explains it (the caches it reads are :mod:`ui.cache`'s, the charts :mod:`ui.charts`')."""
