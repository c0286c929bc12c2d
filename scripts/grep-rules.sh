#!/bin/sh
# Banned constructs that ruff cannot see (see docs/dev/adding-a-module.md).
set -u
fail=0
# Views and API endpoints fetch single objects through access helpers, never .objects.get(
if grep -rn "\.objects\.get(" ducha/*/views.py ducha/*/api.py 2>/dev/null; then
  echo "禁止:视图/接口中直接使用 .objects.get(,请用 scope.access()"; fail=1
fi
# Writes go through services: no .save()/.delete()/.update( in views, api, forms, templates tags
if grep -rnE "\.(save|delete)\(" ducha/*/views.py ducha/*/api.py ducha/*/forms.py 2>/dev/null; then
  echo "禁止:视图/接口/表单中直接写库,请调用 services 中的服务函数"; fail=1
fi
exit $fail
