from portfolios.views import (
    agreements,
    documents,
    education,
    progress,
    references,
    rsc,
    start,
    summary,
    training,
    work,
)

app_name = "portfolios"

urlpatterns = [
    *start.urlpatterns,
    *summary.urlpatterns,
    *education.urlpatterns,
    *work.urlpatterns,
    *training.urlpatterns,
    *rsc.urlpatterns,
    *references.urlpatterns,
    *agreements.urlpatterns,
    *documents.urlpatterns,
    *progress.urlpatterns,
]
