from reviews.views import advisor, exam, review

app_name = "reviews"

urlpatterns = [
    *advisor.urlpatterns,
    *review.urlpatterns,
    *exam.urlpatterns,
]
