{#-
    One row per day from 2000-01-01 to 2039-12-31: the time spine MetricFlow
    (the dbt Semantic Layer) joins metrics by day to (DECISIONLOG D69).
-#}

with

days as (

    {{ dbt.date_spine('day', "cast('2000-01-01' as date)", "cast('2040-01-01' as date)") }}

),

spine as (

    select cast(date_day as date) as date_day
    from days

)

select * from spine
