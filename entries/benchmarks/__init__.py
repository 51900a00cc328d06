"""The benchmarks behind ``make bench``, one module a concern, each importing only
those above it:

    words       made-up words and names, drawn with Zipf-like weights
    corpus      ``build`` and ``clear``: 100,000 entries (the real bangumi-data
                series plus generated characters, staff and episodes) for
                ``manage.py bench_search``
    queries     the searches timed on it, their timings and table
    images      ``manage.py bench_images``: time and memory of a picture upload

They are apart because building a corpus, timing searches and timing uploads
have nothing in common but the commands' shape; see docs/benchmarks.md.
"""
