import csv
import io

from django.urls import reverse

YEARLY = "reports_yearly_figures"
COUNTRIES = "reports_countries"
FUNNEL = "reports_course_funnel"


def export(client, url_name, **params):
    """The report's CSV download as a list of rows (header first)."""
    response = client.get(reverse(url_name), {**params, "export": "csv"})
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"] == "text/csv"
    content = b"".join(response.streaming_content).decode("utf-8")
    return list(csv.reader(io.StringIO(content)))
