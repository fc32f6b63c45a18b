{#-
    Trimming the blank characters of SEGMENTS.md section 1 from text.
-#}

{% macro trim_whitespace(expression) -%}
    {#-
        The text with the characters SEGMENTS.md section 1 calls blank removed
        at both ends: space, tab, LF, CR, vertical tab, form feed, U+00A0,
        U+200B and U+FEFF. Each engine names the set its own way.
    -#}
    {{ return(adapter.dispatch('trim_whitespace', 'lifecycle_segments')(expression)) }}
{%- endmacro %}


{% macro _blank_code_points() -%}
    {{- return([32, 9, 10, 13, 11, 12, 160, 8203, 65279]) -}}
{%- endmacro %}


{% macro default__trim_whitespace(expression) -%}
    trim({{ expression }}, {{ _blank_characters_chr() }})
{%- endmacro %}


{% macro postgres__trim_whitespace(expression) -%}
    btrim({{ expression }}, {{ _blank_characters_chr() }})
{%- endmacro %}


{% macro _blank_characters_chr() -%}
    {#- DuckDB and PostgreSQL (UTF-8): chr() takes any code point. -#}
    ({% for code_point in _blank_code_points() %}chr({{ code_point }}){{ ' || ' if not loop.last }}{% endfor %})
{%- endmacro %}


{% macro spark__trim_whitespace(expression) -%}
    {#- Spark's chr() takes a byte, not a code point; its literals read \uXXXX escapes. -#}
    trim(both '{% for code_point in _blank_code_points() %}\u{{ '%04X' | format(code_point) }}{% endfor %}' from {{ expression }})
{%- endmacro %}
