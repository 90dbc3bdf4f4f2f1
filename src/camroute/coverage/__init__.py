"""Where the cameras leave the city unseen (issue #14, part 3): union of viewsheds, streets."""
