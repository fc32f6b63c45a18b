{#-
    The lgamma() macro (macros/cross_database.sql) on this engine against
    known values of ln Γ: ln Γ(1) = ln Γ(2) = 0, ln Γ(1/2) = ln √π, and
    ln Γ(n) = ln (n−1)! at whole n, and values near 0 and far out
    (scipy.special.gammaln), to 1e-10 relative.
-#}

with

known as (

    select 1.0 as argument, 0.0 as expected
    union all select 2.0, 0.0
    union all select 0.5, 0.57236494292470008707
    union all select 1.5, -0.12078223763524522234
    union all select 0.0001, 9.210282658633961
    union all select 3.7, 1.428072326665388
    union all select 10.0, 12.801827480081469611
    union all select 100.0, 359.13420536957539878
    union all select 12345.678, 103959.91990554606

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
