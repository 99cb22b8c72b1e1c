from django.core.management.base import BaseCommand

from certificates import services


class Command(BaseCommand):
    help = "Re-render every certificate PDF (after a design change) in batches through Celery."

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=25)

    def handle(self, *args, **options):
        job = services.start_rerender(batch_size=options["batch_size"])
        self.stdout.write(
            f"Queued {job.total} certificate(s) in batches of {options['batch_size']} (job {job.pk}). "
            "Follow the progress in the admin under Certificates › Re-render PDFs."
        )
