import pytest
from django_scopes import ScopeError, scope

from tests.scopedapp.models import CaseNote


@pytest.mark.django_db
def test_query_without_scope_raises(site_a):
    with pytest.raises(ScopeError):
        list(CaseNote.objects.all())
    with scope(site=site_a):
        assert list(CaseNote.objects.all()) == []
