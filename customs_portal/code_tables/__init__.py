"""China Customs' parameter code tables (countries and regions, currencies, transport modes,
customs offices, units, trade modes): the data the portal ships (``data/``, see its README),
loaded into ``CustomsCode`` rows, and the lookups that show a code with its name."""
