"""The demo: two associations, a login for every role in each, applicants at different stages.

The top layer of the project: it may import every app, and no app imports it. One module per app
whose data it creates (``accounts``, ``competencies``, ``portfolios`` with its ``evidence`` and
``trainings``, ``reviews``, ``endorsement``); ``stories`` tells what each applicant did, and the
``seed_demo`` and ``demo_codes`` commands run it.
"""
