from tests.conftest import collect_static


def test_collectstatic_builds_the_production_manifest_with_vendor_assets(tmp_path_factory):
    var_dir = collect_static(tmp_path_factory)

    manifest = (var_dir / "static" / "staticfiles.json").read_text()
    for asset in (
        "vendor/bootstrap/css/bootstrap.min.css",
        "vendor/htmx/htmx.min.js",
        "vendor/bootstrap/js/bootstrap.bundle.min.js",
        "css/mbk.css",
        "drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js",
        "api/swagger-ui-page.css",
    ):
        assert f'"{asset}"' in manifest
