"""Request and response bodies of the HTTP API (they also make /api/openapi.json)."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from rdrive_app.domain import Folder, User


class ErrorOut(BaseModel):
    """Every error: a sentence for people."""

    detail: str


class LoginIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    username: str = Field(max_length=256)
    password: str = Field(max_length=1024)


class TokenOut(BaseModel):
    access_token: str
    token_type: str = "bearer"
    expires_in: int


class MeOut(BaseModel):
    username: str
    created_at: datetime

    @classmethod
    def of(cls, user: User) -> MeOut:
        return cls(username=user.name, created_at=user.created_at)


class FolderIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    path: str = Field(max_length=4096)


class FolderOut(BaseModel):
    path: str
    name: str
    created_at: datetime

    @classmethod
    def of(cls, folder: Folder) -> FolderOut:
        return cls(path=folder.path, name=folder.name, created_at=folder.created_at)


class FolderListOut(BaseModel):
    path: str
    folders: list[FolderOut]
