from .base import register_report
from .views import LEARNING_REPORTS

for report in LEARNING_REPORTS:
    register_report(report)
