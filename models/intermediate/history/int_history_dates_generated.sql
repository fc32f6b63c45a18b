{#-
    One row per date from history_start_date to as_of_date, both included: the
    calendar of the daily marts. Portable: day offsets from a cross join of
    digits (up to 100,000 days), no engine-specific series function.
-#}

with

digits as (

    select digits.digit
    from (values (0), (1), (2), (3), (4), (5), (6), (7), (8), (9)) as digits (digit)

),

day_offsets as (

    select
        ones.digit
        + tens.digit * 10
        + hundreds.digit * 100
        + thousands.digit * 1000
        + ten_thousands.digit * 10000 as day_offset

    from digits as ones
    cross join digits as tens
    cross join digits as hundreds
    cross join digits as thousands
    cross join digits as ten_thousands

),

generated as (

    select cast({{ dbt.dateadd('day', 'day_offset', history_start_date()) }} as date) as history_date
    from day_offsets
    where day_offset < {{ history_days() }}

)

select * from generated
