"""The credit bureau (征信): the summary our strategies read, behind a Protocol with a fake."""
