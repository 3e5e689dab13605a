"""Printed documents (PDF) rendered with WeasyPrint from templates/documents/."""
