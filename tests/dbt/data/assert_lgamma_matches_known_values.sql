{#-
    The lgamma() macro (macros/cross_database/lgamma.sql) on this engine against
    known values of ln Γ: ln Γ(1) = ln Γ(2) = 0, ln Γ(1/2) = ln √π, and
    ln Γ(n) = ln (n−1)! at whole n, and values near 0 and far out
    (scipy.special.gammaln), to 1e-10 relative.
-#}

with

{%- set known_values = [
    ('1.0', '0.0'),
    ('2.0', '0.0'),
    ('0.5', '0.5723649429247001'),
    ('1.5', '-0.12078223763524526'),
    ('0.0001', '9.210282658633961'),
    ('3.7', '1.428072326665388'),
    ('10.0', '12.801827480081469'),
    ('100.0', '359.1342053695754'),
    ('12345.678', '103959.91990554606'),
] %}

known as (
    {% for argument, expected in known_values %}
        select
            {{ argument }} as argument,
            {{ expected }} as expected
        {% if not loop.last %}
            union all
        {% endif %}
    {%- endfor %}
),

typed as (

    select
        cast(argument as {{ double_type() }}) as argument,
        cast(expected as {{ double_type() }}) as expected

    from known

),

computed as (

    select
        argument,
        expected,
        {{ lgamma('argument') }} as actual

    from typed

)

select *
from computed
where abs(actual - expected) > 1e-10 * greatest(abs(expected), 1.0)
