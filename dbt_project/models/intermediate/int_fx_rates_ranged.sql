{#- Each seeded rate with the span it applies to: from its date until the next rate of the
    same currency (open-ended for the newest). Converting on a date is then a range join,
    which every warehouse runs, instead of an ASOF join, which few do. -#}

with

rates as (

    select * from {{ ref('fx_rates') }}

)

select
    currency,
    usd_per_unit,
    rate_date as valid_from,
    coalesce(
        lead(rate_date) over (partition by currency order by rate_date),
        cast('9999-12-31' as date)
    ) as valid_until
from rates
