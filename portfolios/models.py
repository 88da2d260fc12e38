# Models arrive with the portfolios issue.
