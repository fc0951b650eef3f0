"""Random double selection (双随机, DESIGN §6): the draw as pure functions of published inputs
(``algorithm``) and the plans that publish them (``plans``)."""
