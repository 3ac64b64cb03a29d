from django_tasks import task

from townsquare.catalog.models import Dataset
from townsquare.quality import links


@task()
def check_links(*, dataset_id: int) -> None:
    dataset = Dataset.objects.filter(pk=dataset_id).first()
    if dataset is not None:
        links.check_dataset(dataset)
