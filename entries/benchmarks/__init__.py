"""The benchmarks behind ``make bench``, ``make bench-pages`` and ``make bench-dump``,
one module a concern, each importing only those above it:

    words       made-up words and names, drawn with Zipf-like weights
    corpus      ``build`` and ``clear``: 100,000 entries (the real bangumi-data
                series plus generated characters, staff and episodes) for
                ``manage.py bench_search``
    queries     the searches timed on it, their timings and table
    images      ``manage.py bench_images``: time and memory of a picture upload
    forms       what a browser would submit from an HTML form (the tests use it too)
    pages       ``manage.py bench_pages``: public pages over HTTP on gunicorn, page
                cache on and off, under wrk; readers while an editor saves
    api         ``manage.py bench_api``: one list endpoint on Django REST framework
                and on django-ninja (``api_urls`` mounts both), ms per request
    dumps       ``manage.py bench_dump``: time and peak memory of ``export_dump`` at
                10,000 and 100,000 entries of the corpus, each in a fresh process
    indexes     ``manage.py bench_indexes``: the indexes (first, deep and last
                pages, filters), a season chart, an episode list, cold, in process

They are apart because building a corpus, timing searches, timing uploads and
loading a server have nothing in common but the commands' shape; see
docs/benchmarks.md.
"""
