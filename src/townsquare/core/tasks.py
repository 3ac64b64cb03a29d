from django_tasks import task

from townsquare.core import mail


@task()
def send_email(*, to: list[str], subject: str, text: str, html: str) -> None:
    mail.send_now(to=to, subject=subject, text=text, html=html)
