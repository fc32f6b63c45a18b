{#-
    The reject checks the staging models share, as `when` branches of the
    case that names a row's reject reason.
-#}

{% macro missing_or_unparseable(column_name) -%}
    {#-
        The two reject checks every parsed column shares, as `when` branches of
        a case: expects `is_<column>_missing` and the parsed `<column>`.
    -#}
    when is_{{ column_name }}_missing then 'missing {{ column_name }}'
    when {{ column_name }} is null then 'unparseable {{ column_name }}'
{%- endmacro %}


{% macro loaded_at_checks() -%}
    {#-
        The load-time reject checks every staging model shares, as `when`
        branches after its missing-key check: expects `is_loaded_at_missing`
        and the parsed `_loaded_at`. A null load time is allowed (it sorts
        last); one that does not parse, or that is later than the run's start,
        rejects its row, so it can neither reorder versions nor become the
        incremental watermark (SEGMENTS.md section 1, DECISIONLOG D42).
    -#}
    when not is_loaded_at_missing and _loaded_at is null then 'unparseable _loaded_at'
    when _loaded_at > {{ processed_at() }} then '_loaded_at after the run started'
{%- endmacro %}
